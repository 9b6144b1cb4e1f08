/** The backup page (数据备份, HQ admin), Simplified Chinese. `backup.en.ts` has exactly the same keys. */
const backup = {
  menu: '数据备份',
  intro: '每个备份是一个压缩文件，包含数据库的全部数据和上传的图片等文件，可在新机器上完整恢复。',
  backupNow: '立即备份',
  started: '备份已开始，完成后列表会自动更新',
  where: {
    title: '备份文件与恢复',
    dir: '备份目录',
    keep: '保留份数',
    keepValue: '保留最近 {n} 份，更早的自动删除',
    schedule: '自动备份',
    scheduleValue: '按计划 {cron}（时区 {tz}）每天执行',
    scheduleOff: '本服务器未启用后台任务（JOBS_ENABLED=false），不会自动备份',
    manual: '命令行备份',
    restore: '恢复命令',
    restoreHint: '在新机器上：克隆代码并执行 npm install，然后执行恢复命令，最后 npm start。恢复只写入空的数据库和数据目录；要覆盖已有数据请加 --force。使用外部数据库时先设置 DATABASE_URL。',
    copy: '复制',
    copied: '已复制到剪贴板',
  },
  fields: {
    startedAt: '开始时间',
    trigger: '方式',
    by: '操作人',
    status: '状态',
    size: '大小',
    duration: '用时',
    file: '文件',
    content: '内容',
  },
  trigger: {
    JOB: '每日自动',
    MANUAL: '手动',
    CLI: '命令行',
  },
  status: {
    RUNNING: '进行中',
    SUCCEEDED: '成功',
    FAILED: '失败',
  },
  content: '{tables} 张表 · {rows} 行 · {uploads} 个文件',
  fileDeleted: '已按保留规则删除',
  system: '系统',
  failedReason: '失败原因：{reason}',
  copyRestore: '复制恢复命令',
  empty: {
    title: '还没有备份',
    description: '点击「立即备份」生成第一个备份；之后每天会按计划自动备份。',
  },
};

export default backup;
