// The apps' user-assigned identity: pulls images (AcrPull) and reads secrets (Key Vault Secrets User), so no
// registry password or secret value is ever stored in a container app.
param name string
param location string
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
