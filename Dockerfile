# syntax=docker/dockerfile:1
# Build stage: the Maven Wrapper fetches Maven; dependencies are cached between builds.
FROM eclipse-temurin:21-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q dependency:resolve dependency:resolve-plugins
COPY src src
COPY migrations migrations
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q -DskipTests package

# Runtime stage: JRE only, unprivileged user, data (embedded database, webhook spool) in a volume.
FROM eclipse-temurin:21-jre
RUN groupadd --system app && useradd --system --gid app --home-dir /app --shell /usr/sbin/nologin app \
    && mkdir -p /app/data && chown -R app:app /app
WORKDIR /app
COPY --from=build /src/target/tracksolid-ingest.jar /app/tracksolid-ingest.jar
# The shipped JVM settings (heap, metaspace, code cache, direct memory): resident memory stays
# under 300 MB at full webhook load; bench/webhook-wrk.sh measures with the same file.
COPY deploy/jvm.options /app/jvm.options
USER app
VOLUME ["/app/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["java", "-XX:+UseSerialGC", "-Xmx32m", "-cp", "/app/tracksolid-ingest.jar", "io.fleet.ingest.cli.HealthProbe", "http://127.0.0.1:8080/health"]
# exec form: the JVM is PID 1's child-free main process and receives SIGTERM directly.
ENTRYPOINT ["java", "@/app/jvm.options", "-jar", "/app/tracksolid-ingest.jar"]
