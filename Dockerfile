# A native-AOT build of the server on a minimal Debian image: the executable, libonnxruntime.so and
# the sample model repository. Build: docker build -t inference-server .
# Run:   docker run -p 8000:8000 -p 8001:8001 -p 8002:8002 inference-server
# Mount your own repository over /models to serve it.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
RUN apt-get update && apt-get install -y --no-install-recommends clang zlib1g-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN dotnet publish src/InferenceServer -c Release -r linux-x64 -o /app

FROM mcr.microsoft.com/dotnet/runtime-deps:10.0 AS runtime
WORKDIR /app
COPY --from=build /app/inference-server /app/libonnxruntime.so /app/
COPY model-repository /models
EXPOSE 8000 8001 8002
# The binary checks itself: the runtime image has no curl.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s CMD ["/app/inference-server", "health"]
STOPSIGNAL SIGTERM
USER app
ENTRYPOINT ["/app/inference-server", "--model-repository=/models"]
