# The native-AOT server in a minimal image: the executable, ONNX Runtime's native library and the sample
# model repository at /models (mount your own repository over it).
#
#   docker build -t inference-server .                               # CPU: Ubuntu Chiseled, no shell
#   docker build -t inference-server:gpu --build-arg FLAVOR=gpu .    # GPU: CUDA 13 + cuDNN 9 runtime
#   docker run -p 8000:8000 -p 8001:8001 -p 8002:8002 -v "$PWD/model-repository:/models:ro" inference-server
#
# The binary is published by .ci/publish.sh, the script CI runs before the tests, so the image holds what
# was tested. The build needs BuildKit (the default builder since Docker 23) so that only the chosen
# flavor's stages are built, and network access for the base images, apt and NuGet. deploy/README.md
# explains each choice; tests/InferenceServer.FunctionalTests/Deployment checks this file against the server
# (ports, health check, entrypoint flags, user) and against .ci/run.

# cpu or gpu.
ARG FLAVOR=cpu
# The image the GPU flavor runs on. ONNX Runtime 1.31's CUDA provider links libcudart.so.13 and
# libcublas.so.13, so it needs a CUDA 13 runtime, and cuDNN 9.
ARG CUDA_IMAGE=nvidia/cuda:13.0.2-cudnn-runtime-ubuntu24.04
# The non-root user the server runs as: the .NET images' "app" user, numeric so Kubernetes' runAsNonRoot
# can verify it (deploy/kubernetes/deployment.yaml runs as the same id).
ARG APP_UID=1654

FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
RUN apt-get update && apt-get install -y --no-install-recommends clang zlib1g-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN .ci/publish.sh /app

# ONNX Runtime's GPU build, restored by the NuGet client from the package Microsoft.ML.OnnxRuntime.Gpu.Linux.
# Its C API slots are set per minor release, so this version equals the one of
# Microsoft.ML.OnnxRuntime in Directory.Packages.props (a test checks). Its libonnxruntime.so replaces the CPU
# one (it runs the CPU provider too); the TensorRT provider is left out (it would need TensorRT's libraries).
FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS onnxruntime-gpu
ARG ONNXRUNTIME_GPU_VERSION=1.32.0
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
WORKDIR /restore
RUN printf '<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup><ItemGroup><PackageReference Include="Microsoft.ML.OnnxRuntime.Gpu.Linux" Version="%s" /></ItemGroup></Project>' \
      "${ONNXRUNTIME_GPU_VERSION}" > restore.csproj \
 && dotnet restore restore.csproj --packages /packages \
 && native="/packages/microsoft.ml.onnxruntime.gpu.linux/${ONNXRUNTIME_GPU_VERSION}/runtimes/linux-x64/native" \
 && mkdir -p /ort \
 && cp "$native/libonnxruntime.so" "$native/libonnxruntime_providers_shared.so" "$native/libonnxruntime_providers_cuda.so" /ort/ \
 && chmod 0755 /ort/*.so \
 && rm -rf /packages

# CPU flavor: Ubuntu Chiseled runtime-deps (glibc, libstdc++, OpenSSL, CA certificates; no shell, no package
# manager). The same Ubuntu release as the build stage, so the binary finds the glibc it was linked against.
FROM mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled AS runtime-cpu
COPY --from=build /app/inference-server /app/libonnxruntime.so /app/

# GPU flavor: NVIDIA's CUDA runtime image with cuDNN (Ubuntu 24.04, like the build stage); the node's driver
# and the NVIDIA container toolkit provide libcuda.so.1 (and libnvidia-ml.so.1 for the utilisation metric).
# The same binary finds the driver at start-up and, with this ONNX Runtime's CUDA provider, runs KIND_GPU
# instance groups, each instance on its own CUDA stream; the CPU flavor refuses them, naming this image.
FROM ${CUDA_IMAGE} AS runtime-gpu
ARG APP_UID
RUN groupadd --gid ${APP_UID} app && useradd --uid ${APP_UID} --gid app --no-create-home --shell /usr/sbin/nologin app
COPY --from=build /app/inference-server /app/
COPY --from=onnxruntime-gpu /ort/ /app/

FROM runtime-${FLAVOR} AS runtime
ARG APP_UID
WORKDIR /app
COPY model-repository /models
EXPOSE 8000 8001 8002
# The binary checks itself (GET http://127.0.0.1:8000/v2/health/ready): the runtime image has no curl.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s CMD ["/app/inference-server", "health"]
# On SIGTERM readiness turns false and the requests already accepted are answered for up to
# --exit-timeout-secs (30) before the process exits: give `docker stop` more than that (-t 40).
STOPSIGNAL SIGTERM
USER ${APP_UID}:${APP_UID}
ENTRYPOINT ["/app/inference-server", "--model-repository=/models"]
