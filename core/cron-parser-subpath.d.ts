// cron-parser ships no typings for its subpath modules; these re-export the package's own.
declare module 'cron-parser/dist/CronExpressionParser' {
  export { CronExpressionParser } from 'cron-parser';
}
declare module 'cron-parser/dist/CronExpression' {
  export { CronExpression } from 'cron-parser';
}
