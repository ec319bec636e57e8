# The ChatMonolith server, with the browser app. Built by docker-compose.yml; also usable on its own.
FROM node:20-bookworm-slim AS web
WORKDIR /src
COPY proto ./proto
COPY buf.yaml ./
COPY web ./web
RUN cd web && rm -rf node_modules dist src/gen && npm ci --no-audit --no-fund && npx buf generate && npm run typecheck && node build.mjs

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Host/ChatMonolith.Host/ChatMonolith.Host.csproj -c Release -r linux-x64 --self-contained false \
    -p:PublishReadyToRun=true -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
COPY --from=web /src/web/dist ./web
ENV Host__BindAddress=0.0.0.0 \
    Host__GrpcPort=5080 \
    Host__WebPort=5081 \
    Host__WebRoot=/app/web
EXPOSE 5080 5081
ENTRYPOINT ["dotnet", "ChatMonolith.Host.dll"]
