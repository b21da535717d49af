// cron-parser ships no typings for its subpath modules; this one re-exports the package's own.
declare module 'cron-parser/dist/CronExpressionParser' {
  export { CronExpressionParser } from 'cron-parser';
}
