// Tenant files: a Blob Storage account reached with the apps' managed identity alone (no shared key, so no key to
// leak), TLS 1.2 or later, no anonymous blob access. Each tenant's container is made by the apps (t-{tenant id}).
param name string
param location string
param tags object

@description('Principal id of the apps\' identity: reads and writes blobs, and signs user-delegation SAS links.')
param dataPrincipalId string

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_ZRS' }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    // A file deleted by mistake (or by a tenant's deletion) can be brought back for a week.
    deleteRetentionPolicy: { enabled: true, days: 7 }
    containerDeleteRetentionPolicy: { enabled: true, days: 7 }
  }
}

// Storage Blob Data Contributor: the apps read, write and delete blobs and containers.
var blobDataContributor = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')
// Storage Blob Delegator: the apps get user-delegation keys, which sign the short-lived download links.
var blobDelegator = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'db58b8e5-c6ad-4a2a-8342-4190687cbf4a')

resource contributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: guid(storage.id, dataPrincipalId, blobDataContributor)
  properties: { roleDefinitionId: blobDataContributor, principalId: dataPrincipalId, principalType: 'ServicePrincipal' }
}

resource delegator 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: guid(storage.id, dataPrincipalId, blobDelegator)
  properties: { roleDefinitionId: blobDelegator, principalId: dataPrincipalId, principalType: 'ServicePrincipal' }
}

output name string = storage.name
output blobEndpoint string = storage.properties.primaryEndpoints.blob
