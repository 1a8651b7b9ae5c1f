// PostgreSQL Flexible Server with the tenancy database. Reachable only from Azure services (the Container Apps
// environment's outbound addresses) and only over TLS; the passwords and the connection strings the apps read live
// in Key Vault only. Two logins: the administrator owns the tables (DDL, migrations), the application role serves
// tenant data (not the owner, no BYPASSRLS, so row-level security binds it). ARM cannot create a PostgreSQL role:
// the Worker creates the application role at its first start (StartupMigrator), with the password below.
param name string
param location string
param tags object
param databaseName string
param skuName string
param skuTier string
param keyVaultName string

@secure()
param administratorPassword string

@description('Login role the apps use for tenant data; created by the Worker, never altered once it exists.')
param applicationRoleName string

@secure()
param applicationRolePassword string

var administratorLogin = 'tenancyadmin'

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: name
  location: location
  tags: tags
  sku: { name: skuName, tier: skuTier }
  properties: {
    version: '16'
    administratorLogin: administratorLogin
    administratorLoginPassword: administratorPassword
    authConfig: { passwordAuth: 'Enabled', activeDirectoryAuth: 'Disabled' }
    storage: { storageSizeGB: 32, autoGrow: 'Enabled' }
    backup: { backupRetentionDays: 7, geoRedundantBackup: 'Disabled' }
    highAvailability: { mode: 'Disabled' }
    network: { publicNetworkAccess: 'Enabled' }
  }
}

// 0.0.0.0 – 0.0.0.0 is Azure's rule for "Azure services only"; no address outside Azure gets through.
resource azureServicesOnly 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = {
  parent: server
  name: 'AllowAllAzureServicesAndResourcesWithinAzureIps'
  properties: { startIpAddress: '0.0.0.0', endIpAddress: '0.0.0.0' }
}

resource requireTls 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {
  parent: server
  name: 'require_secure_transport'
  properties: { value: 'on', source: 'user-override' }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: server
  name: databaseName
  properties: { charset: 'UTF8', collation: 'en_US.utf8' }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource passwordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'postgres-admin-password'
  properties: { value: administratorPassword }
}

resource connectionStringSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'tenancydb-connection-string'
  properties: {
    value: 'Host=${server.properties.fullyQualifiedDomainName};Port=5432;Database=${database.name};Username=${administratorLogin};Password=${administratorPassword};SSL Mode=VerifyFull'
  }
}

resource applicationPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'tenancydb-app-password'
  properties: { value: applicationRolePassword }
}

resource applicationConnectionStringSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'tenancydb-app-connection-string'
  properties: {
    value: 'Host=${server.properties.fullyQualifiedDomainName};Port=5432;Database=${database.name};Username=${applicationRoleName};Password=${applicationRolePassword};SSL Mode=VerifyFull'
  }
}

output fqdn string = server.properties.fullyQualifiedDomainName
output connectionStringSecretName string = connectionStringSecret.name
output applicationConnectionStringSecretName string = applicationConnectionStringSecret.name
