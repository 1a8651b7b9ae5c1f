// Tenancy on Azure Container Apps, for `azd up`: the api and worker apps, PostgreSQL Flexible Server, Azure Cache
// for Redis, Blob Storage for tenant files, Key Vault for every secret, Container Registry and Application Insights. Raw resources only: public
// module registries are not reachable where this is built (and every setting stays visible here).
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; names the resource group and goes into every resource name.')
param environmentName string

@minLength(1)
@description('Azure region for every resource.')
param location string

@description('Object id of the user running azd: may read and write Key Vault secrets (azd reads generated passwords back).')
param principalId string = ''

@description('Kind of that principal: a person, or a pipeline\'s service principal.')
@allowed(['User', 'ServicePrincipal'])
param principalType string = 'User'

@description('Image of the api app; empty on the first provision, when azd has not pushed one yet.')
param apiImageName string = ''

@description('Image of the worker app; empty on the first provision.')
param workerImageName string = ''

@secure()
@description('PostgreSQL administrator password: generated on the first provision and read back from Key Vault afterwards (main.parameters.json).')
param postgresAdminPassword string

@secure()
@description('Password of the application role (tenant data; ConnectionStrings__tenancydb-app), generated like the administrator\'s.')
param applicationRolePassword string

// azd generates 15 characters per secret; the HMAC-SHA256 signing key must be at least 32 bytes (SigningKeys), so
// the key is the base64 of three generated seeds (45 bytes, about 250 random bits).
@secure()
@description('First random seed of the token signing key, generated like the password.')
param authSigningKeySeed string

@secure()
@description('Second random seed of the token signing key.')
param authSigningKeySeed2 string

@secure()
@description('Third random seed of the token signing key.')
param authSigningKeySeed3 string

@description('Id of the active token signing key (configuration key Tenancy:Auth:SigningKeys:{id}).')
param authSigningKeyId string = 'k1'

@description('E-mail of the first platform administrator.')
param adminEmail string

@secure()
@description('Password of the first platform administrator, generated like the database password.')
param adminPassword string

@description('Redis SKU: Basic has no replica and no SLA; Standard is the smallest for production.')
@allowed(['Basic', 'Standard', 'Premium'])
param redisSku string = 'Standard'

@description('PostgreSQL compute: Burstable B1ms is the cheapest; General Purpose D2ds_v5 suits production.')
param postgresSkuName string = 'Standard_B1ms'

@allowed(['Burstable', 'GeneralPurpose', 'MemoryOptimized'])
param postgresSkuTier string = 'Burstable'

var tags = { 'azd-env-name': environmentName }
var token = toLower(uniqueString(subscription().id, environmentName, location))

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  scope: rg
  params: {
    name: 'id-tenancy-${token}'
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  scope: rg
  params: {
    logAnalyticsName: 'log-${token}'
    applicationInsightsName: 'appi-${token}'
    location: location
    tags: tags
  }
}

module registry 'modules/registry.bicep' = {
  scope: rg
  params: {
    name: 'cr${token}'
    location: location
    tags: tags
    pullPrincipalId: identity.outputs.principalId
  }
}

module keyVault 'modules/keyvault.bicep' = {
  scope: rg
  params: {
    name: 'kv-${token}'
    location: location
    tags: tags
    readerPrincipalId: identity.outputs.principalId
    officerPrincipalId: principalId
    officerPrincipalType: principalType
    secrets: {
      'auth-signing-key-seed': authSigningKeySeed
      'auth-signing-key-seed-2': authSigningKeySeed2
      'auth-signing-key-seed-3': authSigningKeySeed3
      'auth-signing-key': base64('${authSigningKeySeed}${authSigningKeySeed2}${authSigningKeySeed3}')
      'admin-password': adminPassword
      'applicationinsights-connection-string': monitoring.outputs.applicationInsightsConnectionString
      // Not secret (an endpoint), but every connection string reaches the apps from Key Vault alike.
      'files-connection-string': storage.outputs.blobEndpoint
    }
  }
}

module postgres 'modules/postgres.bicep' = {
  scope: rg
  params: {
    name: 'psql-${token}'
    location: location
    tags: tags
    databaseName: 'tenancydb'
    administratorPassword: postgresAdminPassword
    applicationRoleName: 'tenancy_app'
    applicationRolePassword: applicationRolePassword
    skuName: postgresSkuName
    skuTier: postgresSkuTier
    keyVaultName: keyVault.outputs.name
  }
}

module redis 'modules/redis.bicep' = {
  scope: rg
  params: {
    name: 'redis-${token}'
    location: location
    tags: tags
    skuName: redisSku
    keyVaultName: keyVault.outputs.name
  }
}

module storage 'modules/storage.bicep' = {
  scope: rg
  params: {
    name: 'st${token}'
    location: location
    tags: tags
    dataPrincipalId: identity.outputs.principalId
  }
}

module environment 'modules/container-apps-environment.bicep' = {
  scope: rg
  params: {
    name: 'cae-${token}'
    location: location
    tags: tags
    logAnalyticsName: monitoring.outputs.logAnalyticsName
  }
}

// Every secret is a Key Vault reference resolved by the apps' identity; nothing secret is written into the apps.
var vault = keyVault.outputs.uri

module api 'modules/container-app.bicep' = {
  scope: rg
  params: {
    name: 'ca-api-${token}'
    serviceName: 'api'
    location: location
    environmentName: environmentName
    environmentId: environment.outputs.id
    identityId: identity.outputs.id
    registryServer: registry.outputs.loginServer
    imageName: apiImageName
    targetPort: 8080
    minReplicas: 1
    maxReplicas: 10
    scaleRules: [
      {
        name: 'http-concurrency'
        http: { metadata: { concurrentRequests: '50' } }
      }
    ]
    secrets: [
      { name: 'tenancydb', keyVaultUrl: '${vault}secrets/${postgres.outputs.connectionStringSecretName}', identity: identity.outputs.id }
      { name: 'tenancydb-app', keyVaultUrl: '${vault}secrets/${postgres.outputs.applicationConnectionStringSecretName}', identity: identity.outputs.id }
      { name: 'cache', keyVaultUrl: '${vault}secrets/${redis.outputs.connectionStringSecretName}', identity: identity.outputs.id }
      { name: 'files', keyVaultUrl: '${vault}secrets/files-connection-string', identity: identity.outputs.id }
      { name: 'appinsights', keyVaultUrl: '${vault}secrets/applicationinsights-connection-string', identity: identity.outputs.id }
      { name: 'auth-signing-key', keyVaultUrl: '${vault}secrets/auth-signing-key', identity: identity.outputs.id }
      { name: 'admin-password', keyVaultUrl: '${vault}secrets/admin-password', identity: identity.outputs.id }
    ]
    env: [
      { name: 'ConnectionStrings__tenancydb', secretRef: 'tenancydb' }
      // Tenant data as the application role, so row-level security holds for shared-tier tenants.
      { name: 'ConnectionStrings__tenancydb-app', secretRef: 'tenancydb-app' }
      { name: 'ConnectionStrings__cache', secretRef: 'cache' }
      // Tenant files: the blob endpoint (an https URI), reached with the identity below (no key anywhere).
      { name: 'ConnectionStrings__files', secretRef: 'files' }
      { name: 'AZURE_CLIENT_ID', value: identity.outputs.clientId }
      { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', secretRef: 'appinsights' }
      { name: 'OTEL_SERVICE_NAME', value: 'api' }
      { name: 'OTEL_RESOURCE_ATTRIBUTES', value: 'deployment.environment=${environmentName}' }
      { name: 'Tenancy__Auth__SigningKeys__${authSigningKeyId}', secretRef: 'auth-signing-key' }
      { name: 'Tenancy__Auth__ActiveKeyId', value: authSigningKeyId }
      { name: 'Tenancy__Admin__Email', value: adminEmail }
      { name: 'Tenancy__Admin__Password', secretRef: 'admin-password' }
      // The Worker migrates (under the advisory lock); the api waits for the shared schema before it is ready.
      { name: 'Tenancy__Migrations__OnStartup', value: 'Wait' }
    ]
  }
}

module worker 'modules/container-app.bicep' = {
  scope: rg
  params: {
    name: 'ca-worker-${token}'
    serviceName: 'worker'
    location: location
    environmentName: environmentName
    environmentId: environment.outputs.id
    identityId: identity.outputs.id
    registryServer: registry.outputs.loginServer
    imageName: workerImageName
    targetPort: 0
    minReplicas: 1
    maxReplicas: 5
    scaleRules: [
      {
        name: 'cpu'
        custom: { type: 'cpu', metadata: { type: 'Utilization', value: '70' } }
      }
    ]
    secrets: [
      { name: 'tenancydb', keyVaultUrl: '${vault}secrets/${postgres.outputs.connectionStringSecretName}', identity: identity.outputs.id }
      { name: 'tenancydb-app', keyVaultUrl: '${vault}secrets/${postgres.outputs.applicationConnectionStringSecretName}', identity: identity.outputs.id }
      { name: 'cache', keyVaultUrl: '${vault}secrets/${redis.outputs.connectionStringSecretName}', identity: identity.outputs.id }
      { name: 'files', keyVaultUrl: '${vault}secrets/files-connection-string', identity: identity.outputs.id }
      { name: 'appinsights', keyVaultUrl: '${vault}secrets/applicationinsights-connection-string', identity: identity.outputs.id }
    ]
    env: [
      { name: 'ConnectionStrings__tenancydb', secretRef: 'tenancydb' }
      // Tenant data as the application role, so row-level security holds for shared-tier tenants.
      { name: 'ConnectionStrings__tenancydb-app', secretRef: 'tenancydb-app' }
      { name: 'ConnectionStrings__cache', secretRef: 'cache' }
      // Tenant files: the blob endpoint (an https URI), reached with the identity below (no key anywhere).
      { name: 'ConnectionStrings__files', secretRef: 'files' }
      { name: 'AZURE_CLIENT_ID', value: identity.outputs.clientId }
      { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', secretRef: 'appinsights' }
      { name: 'OTEL_SERVICE_NAME', value: 'worker' }
      { name: 'OTEL_RESOURCE_ATTRIBUTES', value: 'deployment.environment=${environmentName}' }
    ]
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.outputs.loginServer
output AZURE_CONTAINER_REGISTRY_NAME string = registry.outputs.name
output AZURE_CONTAINER_APPS_ENVIRONMENT_ID string = environment.outputs.id
output AZURE_CONTAINER_APPS_ENVIRONMENT_DEFAULT_DOMAIN string = environment.outputs.defaultDomain
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_ENDPOINT string = keyVault.outputs.uri
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output AZURE_POSTGRES_HOST string = postgres.outputs.fqdn
output AZURE_REDIS_HOST string = redis.outputs.hostName
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = api.outputs.uri
output SERVICE_WORKER_NAME string = worker.outputs.name
