# The admin-tools image for docker-compose's temporal-setup job, with the Temporal CLI `npm start`
# runs (infra/versions.ts: TEMPORAL.version) instead of the one the image bundles: the admin-tools
# builds for Temporal Server 1.29.1 bundle CLI 1.5.0, and no published admin-tools image pairs that
# server with CLI 1.5.1. The CLI is built from the same Go module version `npm start` builds; the
# rest of the image (temporal-sql-tool, tctl) stays the one made for the server.
# docker-compose.yml passes the build args; a unit test checks they match infra/versions.ts.
ARG GO_IMAGE=golang:1.25-bookworm
ARG ADMIN_TOOLS_IMAGE
FROM ${GO_IMAGE} AS build
ARG TEMPORAL_CLI_VERSION
# Static (no cgo): the admin-tools base is not the Go image's Debian.
RUN test -n "$TEMPORAL_CLI_VERSION" && CGO_ENABLED=0 go install "github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}"

FROM ${ADMIN_TOOLS_IMAGE}
COPY --from=build /go/bin/temporal /usr/local/bin/temporal
