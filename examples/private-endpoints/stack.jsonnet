// The seed guide's "VPC Endpoints" section as a stack: ECR API, ECR Docker and the S3 Gateway
// endpoint (for ECR image layers), in a VPC whose private subnets have no NAT gateway.
//   gen-tf build examples/private-endpoints -V ENV=prd -o modules
//
// Without a NAT gateway the tasks' awslogs logs also need the CloudWatch Logs endpoint; leave
// 'logs' out and gen-tf stops with `endpoint-missing`. The region is left to `var.region`, as
// in the guide's `com.amazonaws.${var.region}.ecr.api`.
local env = std.extVar('ENV');

{
  name: 'private-endpoints',
  tags: { team: 'platform', environment: env },
  network: { nat_gateway: false },
  vpc_endpoints: [
    'ecr.api',
    'ecr.dkr',
    // Gateway by default. 'ecr-layers' limits it to the region's ECR layer bucket. The policy
    // covers every S3 request routed through the private route tables, so this VPC's private
    // subnets reach no other bucket: drop the policy if anything there uses S3.
    { service: 's3', policy: 'ecr-layers' },
    'logs',
  ],
  services: {
    'service-a': {
      image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/service-a:1.2.3',
      cpu: 512,
      memory: 1024,
      memory_reservation: { strategy: 'dynamic' },
      desired_count: 2,
      port: 8080,
    },
  },
}
