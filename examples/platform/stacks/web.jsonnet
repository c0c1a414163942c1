// The public web front end: public subnets with a public IP, so it needs no endpoint; a
// Service Connect client of ledger.
local env = std.extVar('ENV');

{
  name: 'web',
  platform: { network: 'shared', cluster: 'apps' },
  tags: { team: 'web', environment: env },
  services: {
    web: {
      image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:4.0.1',
      cpu: 256,
      memory: 512,
      port: 8080,
      network: { subnets: 'public', assign_public_ip: true },
      service_connect: {},
    },
  },
}
