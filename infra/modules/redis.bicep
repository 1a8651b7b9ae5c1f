// Azure Cache for Redis over TLS only (port 6380, TLS 1.2 or later); the connection string with its access key
// is written to Key Vault and never leaves it.
param name string
param location string
param tags object
param keyVaultName string

@allowed(['Basic', 'Standard', 'Premium'])
param skuName string

resource redis 'Microsoft.Cache/redis@2024-03-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    sku: { name: skuName, family: skuName == 'Premium' ? 'P' : 'C', capacity: 1 }
    enableNonSslPort: false
    // Every client authenticates: the access key is the cache's password (no anonymous access, ever).
    disableAccessKeyAuthentication: false
    // As the local Redis: entries with a TTL (cache entries, rate-limit windows, cache budgets) are evicted least
    // recently used first when the cache is full; the cache generations, which have none, never are.
    redisConfiguration: { authnotrequired: 'false', 'maxmemory-policy': 'volatile-lru' }
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
    redisVersion: '6'
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource connectionStringSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'cache-connection-string'
  properties: {
    value: '${redis.properties.hostName}:${redis.properties.sslPort},password=${redis.listKeys().primaryKey},ssl=true,abortConnect=false'
  }
}

output hostName string = redis.properties.hostName
output connectionStringSecretName string = connectionStringSecret.name
