// Private tasks without a NAT gateway, with exactly the VPC endpoints their services need:
// ecr.api, ecr.dkr and the s3 Gateway for the ECR images, logs for awslogs, and
// secretsmanager and ssm because the secrets below live there.
//   gen-tf build examples/private-preset -V ENV=prd -o modules
local g = import 'gen-tf.libsonnet';
local env = std.extVar('ENV');

{
  name: 'private-preset',
  region: 'eu-west-1',
  tags: { team: 'payments', environment: env },
  network: { nat_gateway: false },
  vpc_endpoints: g.fargatePrivate,
  services: {
    api: {
      image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:2.0.1',
      cpu: 1024,
      memory: 2048,
      memory_reservation: g.dynamic(2048, env),
      runtime_platform: g.arm64,
      port: 8080,
      secrets: [
        { name: 'DB_PASSWORD', value_from: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:api/db-AbCdEf:password::' },
        { name: 'STRIPE_KEY', value_from: 'arn:aws:ssm:eu-west-1:123456789012:parameter/api/stripe-key' },
      ],
    },
    // Image from the module variable `worker_image`, an ECR URI.
    worker: {
      cpu: 256,
      memory: 512,
    },
  },
}
