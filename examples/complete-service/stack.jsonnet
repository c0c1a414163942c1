// The service fields of issue 14 in one stack: a checkout API behind an internet-facing and an
// internal load balancer, offered to the other services through Service Connect, deployed by CI
// (which registers the task definitions, as ecspresso does) with deployment alarms, scaled up
// for business hours, and calling a payment partner; a queue worker that calls the API through
// Service Connect; and an admin task in public subnets, reached with ECS Exec.
local g = import 'gen-tf.libsonnet';
local region = 'eu-west-1';
local account = '123456789012';
local targetGroup(name, id) =
  'arn:aws:elasticloadbalancing:%s:%s:targetgroup/%s/%s' % [region, account, name, id];
local namespace = 'checkout.internal';
{
  name: 'complete-service',
  region: region,
  tags: { team: 'checkout' },
  cluster: { name: 'checkout-' + std.extVar('ENV') },
  services: {
    api: {
      // No image: var.api_image gives the first revision; CI deploys the next ones.
      cpu: 1024,
      memory: 2048,
      runtime_platform: g.arm64,
      capacity_provider_strategy: g.spotMix(),
      port: 8080,
      port_name: 'http',
      enable_execute_command: true,
      load_balancers: [
        { target_group_arn: targetGroup('checkout-api-public', '6d0ecf831eec9f09') },
        {
          target_group_arn: targetGroup('checkout-api-internal', '73e2d6bc24d8a067'),
          container: 'api',
          container_port: 8080,
          security_group_id: 'sg-0a1b2c3d4e5f60718',
        },
      ],
      service_connect: {
        namespace: namespace,
        services: [
          { port_name: 'http', discovery_name: 'api', client_aliases: [{ port: 80, dns_name: 'api.' + namespace }] },
        ],
      },
      deployment: {
        minimum_healthy_percent: 100,
        maximum_percent: 200,
        circuit_breaker: { enable: true, rollback: true },
        alarms: { names: ['checkout-api-5xx', 'checkout-api-p99-latency'], rollback: true },
        wait_for_steady_state: false,
        ignore_task_definition_changes: true,
        health_check_grace_period_seconds: 90,
      },
      egress: [
        { port: 443, protocol: 'tcp', cidr_ipv4: '203.0.113.0/24', description: 'Payment partner API (PSP)' },
      ],
      auto_scaling: {
        min_capacity: 2,
        max_capacity: 12,
        policies: [
          { predefined_metric_type: 'ECSServiceAverageCPUUtilization', target_value: 60, scale_in_cooldown: 300, scale_out_cooldown: 60 },
        ],
        scheduled: [
          { name: 'business-hours', schedule: 'cron(0 7 ? * MON-FRI *)', timezone: 'Europe/Dublin', min_capacity: 4, max_capacity: 12 },
          { name: 'after-hours', schedule: 'cron(0 20 ? * MON-FRI *)', timezone: 'Europe/Dublin', min_capacity: 2, max_capacity: 12 },
        ],
      },
    },
    worker: {
      image: '%s.dkr.ecr.%s.amazonaws.com/checkout-worker:4.1.0' % [account, region],
      cpu: 512,
      memory: 1024,
      desired_count: 2,
      // A client only: it reaches api.checkout.internal through its Service Connect proxy.
      service_connect: { namespace: namespace },
    },
    admin: {
      image: '%s.dkr.ecr.%s.amazonaws.com/checkout-admin:3.2.0' % [account, region],
      cpu: 256,
      memory: 512,
      enable_execute_command: true,
      // Public subnets with a public IP: no NAT gateway needed, and no port is open.
      network: { subnets: 'public', assign_public_ip: true },
      // One task, replaced in place.
      deployment: { minimum_healthy_percent: 0, maximum_percent: 100 },
    },
  },
}
