# syntax=docker/dockerfile:1
# Build: the runnable jar only. -Dmaven.test.skip=true compiles no test and runs none (CI runs them); the shaded jar
# holds the compile and runtime dependencies only, so no test dependency (embedded Postgres, s3proxy...) is in the image.
FROM maven:3.9.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -q -B dependency:go-offline -DexcludeScope=test || true
COPY .checkstyle ./.checkstyle
COPY src/main ./src/main
COPY docs/openapi.json ./docs/openapi.json
RUN mvn -q -B -Dmaven.test.skip=true package

# Run: a small JRE image (Ubuntu: bash for the health check), an unprivileged user, config from the environment.
FROM eclipse-temurin:17.0.13_11-jre-jammy
RUN useradd --system --uid 10001 --home /app linkexport
WORKDIR /app
COPY --from=build /src/target/link-export.jar /app/link-export.jar
COPY conf /app/conf
USER 10001
EXPOSE 8080
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
# Liveness (the process and its event loops answer), not readiness: a node draining or waiting for Postgres is not
# unhealthy. bash, not sh: /dev/tcp is a bash feature (the image's sh is dash); no curl in the image.
# HealthcheckCommandIT runs exactly this command line against a running service.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${HTTP_PORT:-8080} && printf 'GET /health/live HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q '^HTTP/1\\.[01] 200 '"]
ENTRYPOINT ["java", "-jar", "/app/link-export.jar"]
CMD ["serve"]
