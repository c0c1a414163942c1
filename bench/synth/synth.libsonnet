// Synthetic services for the benchmark: the same shapes as ../shared/bench/cdktf-peer/main.js
// (50 services a stack; sizes, architectures, Spot mix, scaling and endpoints as there).
local PER = 50;
local service(i) = {
  local memory = [512, 1024, 2048, 4096][i % 4] * 2,
  image: 'public.ecr.aws/nginx/nginx:1.27',
  cpu: [256, 512, 1024, 2048][i % 4],
  memory: memory,
  memory_reservation: std.floor(memory * 0.7),
  runtime_platform: {
    cpu_architecture: if i % 3 == 0 then 'X86_64' else 'ARM64',
    operating_system_family: 'LINUX',
  },
  capacity_provider_strategy: [
    { capacity_provider: 'FARGATE_SPOT', weight: 70, base: 0 },
    { capacity_provider: 'FARGATE', weight: 30, base: 2 },
  ],
  desired_count: 2,
  port: 8080,
  environment: [{ name: 'SERVICE_INDEX', value: std.toString(i) }],
  observability: { xray_sampling_rate: 0.1, log_level: 'INFO' },
  auto_scaling: {
    min_capacity: 2,
    max_capacity: 20,
    policies: [
      { predefined_metric_type: 'ECSServiceAverageCPUUtilization', target_value: 70,
        scale_in_cooldown: 300, scale_out_cooldown: 60 },
      { policy_type: 'StepScaling', adjustment_type: 'PercentChangeInCapacity', cooldown: 60,
        metric_aggregation_type: 'Average',
        step_adjustments: [
          { metric_interval_lower_bound: 0, metric_interval_upper_bound: 10, scaling_adjustment: 10 },
          { metric_interval_lower_bound: 10, scaling_adjustment: 30 },
        ],
        alarm: { metric_name: 'CPUUtilization', threshold: 80, evaluation_periods: 2, period: 60 } },
    ],
  },
};

{
  stack(s, n):: {
    name: 'stack-%03d' % s,
    region: 'us-east-1',
    vpc_endpoints: ['ecr.api', 'ecr.dkr', 's3', 'logs'],
    services: {
      ['svc-%04d' % i]: service(i)
      for i in std.range(s * PER, std.min(n, (s + 1) * PER) - 1)
    },
  },
}
