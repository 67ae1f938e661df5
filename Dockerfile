# syntax=docker/dockerfile:1
# Build: the runnable jar (tests run in CI, not in the image build).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -q -B dependency:go-offline -DexcludeScope=test || true
COPY .checkstyle ./.checkstyle
COPY src ./src
RUN mvn -q -B -DskipTests package

# Run: a small JRE image, an unprivileged user, config from the environment.
FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --home /app linkexport
WORKDIR /app
COPY --from=build /src/target/link-export.jar /app/link-export.jar
COPY conf /app/conf
USER 10001
EXPOSE 8080
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
HEALTHCHECK --interval=10s --timeout=3s --retries=3 CMD ["sh", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /health HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q ' 200 ' <&3"]
ENTRYPOINT ["java", "-jar", "/app/link-export.jar"]
CMD ["serve"]
