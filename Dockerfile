# The ChatMonolith server. Built by docker-compose.yml; also usable on its own.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Host/ChatMonolith.Host/ChatMonolith.Host.csproj -c Release -r linux-x64 --self-contained false \
    -p:PublishReadyToRun=true -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
ENV Host__BindAddress=0.0.0.0 \
    Host__GrpcPort=5080 \
    Host__WebPort=5081
EXPOSE 5080 5081
ENTRYPOINT ["dotnet", "ChatMonolith.Host.dll"]
