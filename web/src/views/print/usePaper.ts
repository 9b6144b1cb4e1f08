import { ref, watch } from 'vue';
import { DEFAULT_PAPER, pickPaper, type PaperKey } from './lib/paper';

const STORAGE_KEY = 'drp.print.paper';

function remembered(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

/** The paper chosen on the print view: one for the layout's toolbar and the sheet, remembered between prints. */
const paper = ref<PaperKey>(DEFAULT_PAPER);
let initialised = false;

export function usePaper(query?: unknown) {
  if (!initialised || query !== undefined) {
    paper.value = pickPaper(query, remembered());
    initialised = true;
  }
  return paper;
}

watch(paper, (value) => {
  try {
    localStorage.setItem(STORAGE_KEY, value);
  } catch {
    // private mode: the choice lasts for this tab only
  }
});
