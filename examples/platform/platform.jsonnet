// The shared infrastructure of every stack in this project, per environment (ENV): one VPC
// that dev and prd share, without a NAT gateway, and per environment one cluster with its
// default Service Connect namespace. The platform module creates each VPC endpoint the stacks
// need (their images, logs, secrets and what their task roles call) once: in prd, which owns
// the VPC's endpoints; dev's platform module finds their security group.
local env = std.extVar('ENV');

{
  region: 'eu-west-1',
  tags: { team: 'platform', environment: env },
  networks: {
    shared: {
      vpc_id: 'vpc-0a1b2c3d4e5f60718',
      cidr: '10.40.0.0/16',
      private_subnets: {
        'eu-west-1a': 'subnet-0a1b2c3d4e5f60001',
        'eu-west-1b': 'subnet-0a1b2c3d4e5f60002',
      },
      public_subnets: {
        'eu-west-1a': 'subnet-0a1b2c3d4e5f60101',
        'eu-west-1b': 'subnet-0a1b2c3d4e5f60102',
      },
      private_route_table_ids: ['rtb-0a1b2c3d4e5f60001', 'rtb-0a1b2c3d4e5f60002'],
      nat_gateway: false,
      endpoints_owner: 'prd',
    },
  },
  clusters: {
    apps: {
      name: 'apps-' + env,
      capacity_providers: ['FARGATE', 'FARGATE_SPOT'],
      namespace: 'apps',
    },
  },
  namespaces: {
    apps: { name: 'apps-' + env + '.internal' },
  },
}
