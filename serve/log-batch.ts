/**
 * One prediction-log file's rows (one model version, one day), buffered column by column as
 * requests are scored (serve/prediction-log.ts). A request copies its few values into growing
 * columns and keeps nothing else alive: no frame, scores or typed arrays per request wait in the
 * heap for the next flush (thousands of small objects that the garbage collector would otherwise
 * promote and trace), and a flush only turns the columns into typed arrays.
 *
 * Columns, in file order: request_id, row_index, scored_at, model, model_version, the model's input
 * columns (as typed for the model; a name taken by one of the others is left out), prediction
 * (label, or value for regression), proba_<class> per class.
 */
import type { ColumnType, Frame, FrameColumn } from '../ml/frame/frame';
import type { Scores } from '../ml/predict';
import type { ServedModel } from './models';

type InputBuffer =
  { name: string; type: 'string'; values: (string | null)[] } | { name: string; type: Exclude<ColumnType, 'string'>; values: number[] };

export class LogBatch {
  rows = 0;
  /** Time of the first row (ms): names the file's day partition and time. */
  readonly firstAt: number;
  private readonly requestIds: string[] = [];
  private readonly rowIndex: number[] = [];
  private readonly scoredAt: number[] = [];
  private readonly labels: (string | null)[] = [];
  private readonly values: number[] = [];
  /** Row-major, `classes` per row. */
  private readonly proba: number[] = [];
  private readonly classes: readonly string[];
  private readonly inputs: InputBuffer[];

  constructor(
    readonly served: ServedModel,
    /** The day partition (YYYY-MM-DD, UTC) every row of this batch belongs to. */
    readonly day: string,
    at: number,
    /** The model's input columns (the frames appended have exactly these, in this order). */
    schema: readonly { name: string; type: ColumnType }[],
  ) {
    const a = served.model.artifact;
    this.classes = a.task === 'regression' ? [] : a.classes;
    this.firstAt = at;
    const taken = new Set([
      'request_id',
      'row_index',
      'scored_at',
      'model',
      'model_version',
      'prediction',
      ...this.classes.map((c) => `proba_${c}`),
    ]);
    this.inputs = schema
      .filter((c) => !taken.has(c.name))
      .map((c): InputBuffer =>
        c.type === 'string' ? { name: c.name, type: 'string', values: [] } : { name: c.name, type: c.type, values: [] },
      );
  }

  /** One request's rows: its inputs (as typed for the model) and what the model answered. */
  append(requestId: string, at: number, inputs: Frame, scores: Scores): void {
    const n = inputs.rows;
    const k = this.classes.length;
    for (let i = 0; i < n; i++) {
      this.requestIds.push(requestId);
      this.rowIndex.push(i);
      this.scoredAt.push(at);
      if (k === 0) this.values.push(scores.values[i] ?? NaN);
      else this.labels.push(scores.labels?.[i] ?? null);
      for (let c = 0; c < k; c++) this.proba.push(scores.proba?.[i * k + c] ?? NaN);
    }
    for (let j = 0; j < this.inputs.length; j++) {
      const buf = this.inputs[j] as InputBuffer;
      // Frames built by frameForModel have the schema's columns in order; look up by name otherwise.
      const same = inputs.columns[j];
      const col = same?.name === buf.name ? same : inputs.columns.find((c) => c.name === buf.name);
      if (buf.type === 'string') {
        const vs = col?.type === 'string' ? col.values : undefined;
        for (let i = 0; i < n; i++) buf.values.push(vs?.[i] ?? null);
      } else {
        const vs = col && col.type !== 'string' ? col.values : undefined;
        for (let i = 0; i < n; i++) buf.values.push(vs?.[i] ?? NaN);
      }
    }
    this.rows += n;
  }

  /** Forget the oldest `n` rows (the log's buffer is over its bound while S3 is failing). */
  dropFirst(n: number): number {
    const d = Math.min(n, this.rows);
    const k = this.classes.length;
    this.requestIds.splice(0, d);
    this.rowIndex.splice(0, d);
    this.scoredAt.splice(0, d);
    if (k === 0) this.values.splice(0, d);
    else this.labels.splice(0, d);
    this.proba.splice(0, d * k);
    for (const buf of this.inputs) buf.values.splice(0, d);
    this.rows -= d;
    return d;
  }

  /** The batch as one frame, for one Arrow file. */
  toFrame(): Frame {
    const n = this.rows;
    const k = this.classes.length;
    const meta: FrameColumn[] = [
      { name: 'request_id', type: 'string', values: this.requestIds.slice() },
      { name: 'row_index', type: 'number', values: Float64Array.from(this.rowIndex) },
      { name: 'scored_at', type: 'timestamp', values: Float64Array.from(this.scoredAt) },
      { name: 'model', type: 'string', values: new Array<string | null>(n).fill(this.served.name) },
      { name: 'model_version', type: 'number', values: new Float64Array(n).fill(this.served.version) },
    ];
    const inputs = this.inputs.map((b): FrameColumn =>
      b.type === 'string'
        ? { name: b.name, type: 'string', values: b.values.slice() }
        : { name: b.name, type: b.type, values: Float64Array.from(b.values) },
    );
    const outputs: FrameColumn[] =
      k === 0
        ? [{ name: 'prediction', type: 'number', values: Float64Array.from(this.values) }]
        : [
            { name: 'prediction', type: 'string', values: this.labels.slice() },
            ...this.classes.map((cls, c): FrameColumn => {
              const values = new Float64Array(n);
              for (let i = 0; i < n; i++) values[i] = this.proba[i * k + c] as number;
              return { name: `proba_${cls}`, type: 'number', values };
            }),
          ];
    return { rows: n, columns: [...meta, ...inputs, ...outputs] };
  }
}
