# The lightbox binary in a small image. Used by docker-compose.yml; any container platform runs it.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p lightbox-api

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/target/release/lightbox /usr/local/bin/lightbox
ENV LIGHTBOX_BIND=0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["lightbox"]
CMD ["serve"]
