// Unit specs read any page's words: load the lazily loaded part of Chinese (zh-CN.rest) up front.
import { loadAllWords } from './index';

await loadAllWords();
