# Crosscheck in a container: a static binary on a distroless base, running
# as a non-root user, the store on the /data volume, the configuration
# mounted read-only, secrets from the environment (never in the image).
#
#   docker build -t crosscheck .
#   docker run -d --name crosscheck \
#     -v crosscheck-data:/data \
#     -v "$PWD/crosscheck.yaml:/etc/crosscheck/crosscheck.yaml:ro" \
#     -e SLACK_BOT_TOKEN -e SLACK_APP_TOKEN \
#     -p 127.0.0.1:8080:8080 crosscheck
#
# The mounted crosscheck.yaml must say `store: /data/crosscheck.db` and
# `listen: :8080` (the health check and metrics use that port).
# A consistent backup while it runs:
#   docker exec crosscheck crosscheck backup --config /etc/crosscheck/crosscheck.yaml /data/backup.db

FROM golang:1.26 AS build
WORKDIR /src
# Modules first, so editing code does not download them again.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# The same build command CI runs.
RUN .ci/build /out/crosscheck && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/crosscheck /usr/local/bin/crosscheck
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
WORKDIR /data
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["/usr/local/bin/crosscheck", "healthcheck", "--addr", "127.0.0.1:8080"]
ENTRYPOINT ["/usr/local/bin/crosscheck"]
CMD ["run", "--config", "/etc/crosscheck/crosscheck.yaml"]
