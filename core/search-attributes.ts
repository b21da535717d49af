/**
 * Tideflow's custom search attributes, set on every run so the Web UI and `tideflow runs`
 * can filter by DAG, logical date and trigger. One list, read by the workflow (typed keys),
 * the dev-server provisioning (--search-attribute) and the operator API (docker-compose route).
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const DAG_KEY = defineSearchAttributeKey('TideflowDag', SearchAttributeType.KEYWORD);
export const LOGICAL_DATE_KEY = defineSearchAttributeKey('TideflowLogicalDate', SearchAttributeType.DATETIME);
export const TRIGGER_KEY = defineSearchAttributeKey('TideflowTrigger', SearchAttributeType.KEYWORD);
/** Set by Temporal Schedules on the runs they start: the nominal (pre-jitter) fire time. */
export const SCHEDULED_START_KEY = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

export const TRIGGERS = ['manual', 'schedule', 'backfill', 'drift'] as const;
export type Trigger = (typeof TRIGGERS)[number];

export type SearchAttributeTypeName = 'Text' | 'Keyword' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList';

/** Names and types as the dev server's `--search-attribute NAME=Type` flag spells them. */
export const TIDEFLOW_SEARCH_ATTRIBUTES: readonly { name: string; type: SearchAttributeTypeName }[] = [
  { name: DAG_KEY.name, type: 'Keyword' },
  { name: LOGICAL_DATE_KEY.name, type: 'Datetime' },
  { name: TRIGGER_KEY.name, type: 'Keyword' },
];
