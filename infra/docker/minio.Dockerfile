# MinIO for docker-compose.yml, built from the same Go module version `npm start` builds
# (infra/versions.ts: MINIO.version), because MinIO no longer publishes images of current releases.
# docker-compose.yml passes both build args; a unit test checks they match infra/versions.ts.
ARG GO_IMAGE=golang:1.25-bookworm
FROM ${GO_IMAGE} AS build
ARG MINIO_VERSION
RUN test -n "$MINIO_VERSION" && CGO_ENABLED=0 go install "github.com/minio/minio@${MINIO_VERSION}"

FROM debian:bookworm-slim
COPY --from=build /go/bin/minio /usr/local/bin/minio
RUN useradd --system --uid 1001 --home-dir /data minio && mkdir -p /data && chown minio /data
USER minio
EXPOSE 9000 9001
ENV MINIO_UPDATE=off
ENTRYPOINT ["/usr/local/bin/minio"]
CMD ["server", "/data", "--console-address", ":9001"]
