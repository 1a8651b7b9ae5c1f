// One service (api or worker) as a container app: its image from the registry through the shared identity,
// secrets as Key Vault references, health probes on the ServiceDefaults endpoints, and its scale rules.
param name string
@description('The azure.yaml service this app is; azd finds the app by this tag.')
param serviceName string
param location string
param environmentName string
param environmentId string
param identityId string
param registryServer string
@description('Image to run; empty before azd has pushed one (a public placeholder runs meanwhile, without probes).')
param imageName string
@description('HTTP port with external ingress; 0 for none.')
param targetPort int
param minReplicas int
param maxReplicas int
param scaleRules object[]
@description('Key Vault references: { name, keyVaultUrl, identity }.')
param secrets object[]
param env object[]

var placeholderImage = 'mcr.microsoft.com/azuredocs/containerapps-helloworld:latest'
var hasImage = !empty(imageName)
var probes = targetPort > 0
  ? [
      { type: 'Startup', httpGet: { path: '/alive', port: targetPort }, periodSeconds: 5, failureThreshold: 60 }
      { type: 'Liveness', httpGet: { path: '/alive', port: targetPort }, periodSeconds: 10 }
      // Ready only once the shared schema is current and PostgreSQL answers (/health runs every check).
      { type: 'Readiness', httpGet: { path: '/health', port: targetPort }, periodSeconds: 10 }
    ]
  : []

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: name
  location: location
  tags: { 'azd-env-name': environmentName, 'azd-service-name': serviceName }
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    environmentId: environmentId
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: targetPort > 0
        ? {
            external: true
            targetPort: targetPort
            transport: 'auto'
            allowInsecure: false
          }
        : null
      registries: [
        { server: registryServer, identity: identityId }
      ]
      secrets: secrets
    }
    template: {
      containers: [
        {
          name: serviceName
          image: hasImage ? imageName : placeholderImage
          resources: { cpu: json('0.5'), memory: '1Gi' }
          env: env
          probes: hasImage ? probes : []
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: scaleRules
      }
    }
  }
}

output name string = app.name
output uri string = targetPort > 0 ? 'https://${app.properties.configuration.ingress.fqdn}' : ''
