/** Read a model's prediction log back (request id and version per row), as the drift monitor would list it. */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { frameFromArrow } from '../../ml/io/arrow';
import { isLogFile, predictionsRoot } from '../../ml/predict/log-layout';
import type { ArtifactStore } from '../../registry';
import { listKeys } from '../../storage/documents';

export async function readPredictionLog(store: ArtifactStore, model: string): Promise<{ requestId: string; version: number }[]> {
  const keys = (await listKeys(store, predictionsRoot(store.prefix, model))).filter(isLogFile);
  const rows: { requestId: string; version: number }[] = [];
  for (const key of keys) {
    const res = await store.s3.send(new GetObjectCommand({ Bucket: store.bucket, Key: key }));
    const frame = frameFromArrow(await (res.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
    const ids = frame.columns.find((c) => c.name === 'request_id')?.values as (string | null)[];
    const versions = frame.columns.find((c) => c.name === 'model_version')?.values as Float64Array;
    for (let i = 0; i < frame.rows; i++) rows.push({ requestId: ids[i] ?? '', version: versions[i] ?? NaN });
  }
  return rows;
}
