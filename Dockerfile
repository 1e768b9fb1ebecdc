# syntax=docker/dockerfile:1
# Build stage: the Maven Wrapper fetches Maven; dependencies are cached between builds.
FROM eclipse-temurin:21.0.5_11-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q dependency:resolve dependency:resolve-plugins
COPY src src
COPY migrations migrations
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q -DskipTests -Dspotless.check.skip=true package

# Runtime stage: JRE only. A fixed unprivileged uid (10001, which secret files are chowned to);
# the jar is owned by root and read-only to that user, so the service cannot rewrite its own
# code. Only /app/data (embedded database, webhook spool) is writable, in a volume.
FROM eclipse-temurin:21.0.5_11-jre
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app \
    && mkdir -p /app/data && chown app:app /app/data
WORKDIR /app
COPY --from=build --chown=root:root --chmod=0644 /src/target/tracksolid-ingest.jar /app/tracksolid-ingest.jar
# The shipped JVM settings (heap, metaspace, code cache, direct memory): resident memory stays
# under 300 MB at full webhook load; bench/webhook-wrk.sh measures with the same file.
COPY --chown=root:root --chmod=0644 deploy/jvm.options /app/jvm.options
USER 10001:10001
VOLUME ["/app/data"]
EXPOSE 8080
# The probe is a second JVM every 30 s: kept small (16 MB heap, serial GC, C1 only) so it never
# competes with the service for the container's memory.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["java", "-Xmx16m", "-Xss256k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", \
       "-cp", "/app/tracksolid-ingest.jar", "io.fleet.ingest.cli.HealthProbe", "http://127.0.0.1:8080/health"]
# exec form: the JVM is PID 1's child-free main process and receives SIGTERM directly.
ENTRYPOINT ["java", "@/app/jvm.options", "-jar", "/app/tracksolid-ingest.jar"]
