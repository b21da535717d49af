#!/bin/sh
# docker-compose's MinIO setup job (runs once per `up`, idempotent), with MinIO's root user:
# creates the bucket, a policy limited to that bucket (worker-policy.json with the bucket name
# filled in), and the application user the worker, the alert receiver and the schedule job use.
# The root credentials stay in this job and in MinIO itself.
set -eu
: "${MINIO_ROOT_USER:?}" "${MINIO_ROOT_PASSWORD:?}" "${TIDEFLOW_BUCKET:?}" "${TIDEFLOW_S3_ACCESS_KEY:?}" "${TIDEFLOW_S3_SECRET_KEY:?}"
if [ "$TIDEFLOW_S3_ACCESS_KEY" = "$MINIO_ROOT_USER" ]; then
  echo "TIDEFLOW_S3_ACCESS_KEY must differ from MINIO_ROOT_USER: the worker gets its own least-privilege user" >&2
  exit 2
fi
mc alias set tideflow http://minio:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null
mc mb --ignore-existing "tideflow/$TIDEFLOW_BUCKET"
sed "s/TIDEFLOW_BUCKET/$TIDEFLOW_BUCKET/g" /setup/worker-policy.json > /tmp/tideflow-app.json
# `create` replaces an existing policy of that name, so a changed bucket or policy file applies on the next `up`.
mc admin policy create tideflow tideflow-app /tmp/tideflow-app.json
# `add` on an existing user sets its secret key (so a rotated TIDEFLOW_S3_SECRET_KEY applies too).
mc admin user add tideflow "$TIDEFLOW_S3_ACCESS_KEY" "$TIDEFLOW_S3_SECRET_KEY"
if mc admin user info tideflow "$TIDEFLOW_S3_ACCESS_KEY" | grep -q 'tideflow-app'; then
  echo "policy tideflow-app already attached to $TIDEFLOW_S3_ACCESS_KEY"
else
  mc admin policy attach tideflow tideflow-app --user "$TIDEFLOW_S3_ACCESS_KEY"
fi
echo "bucket $TIDEFLOW_BUCKET and user $TIDEFLOW_S3_ACCESS_KEY (policy tideflow-app: this bucket only) ready"
