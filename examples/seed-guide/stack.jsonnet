// Reproduces every snippet of the seed guide (../shared/seed-guide.md) that applies to ECS, as
// one stack. Build it per environment:
//   gen-tf build examples/seed-guide -V ENV=prd -o modules
local env = std.extVar('ENV');
local memory = 1024;

{
  name: 'seed-guide',
  region: 'us-east-1',
  tags: { team: 'platform', environment: env },
  // Right-sizing reads Container Insights, so the stack owns a cluster with it on.
  cluster: { name: 'seed-guide-' + env, container_insights: true },
  // Network Performance, "VPC Endpoints": ECR API, ECR Docker and the S3 Gateway for ECR layers.
  vpc_endpoints: ['ecr.api', 'ecr.dkr', 's3'],
  services: {
    'service-a': {
      image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/service-a:1.2.3',
      cpu: 512,
      memory: memory,
      // Memory Reservation Strategy, "Dynamic: Based on environment".
      memory_reservation: if env == 'prd' then std.floor(memory * 0.7) else std.floor(memory * 0.5),
      // ARM64 Architecture: 20% cost savings with comparable performance.
      runtime_platform: {
        cpu_architecture: 'ARM64',
        operating_system_family: 'LINUX',
      },
      // Cost Optimization, "Fargate Spot".
      capacity_provider_strategy: [
        { capacity_provider: 'FARGATE_SPOT', weight: 70, base: 0 },
        { capacity_provider: 'FARGATE', weight: 30, base: 2 },
      ],
      port: 8080,
      // Database Performance, "Read Replicas" (DB_READ_HOST, DB_WRITE_HOST) and "Connection
      // Limits": max_tasks 20 x 10 connections per task + buffer 20 = 220.
      database: {
        read_host: 'reader.cluster.region.rds.amazonaws.com',
        write_host: 'writer.cluster.region.rds.amazonaws.com',
        pool: { min: 5, max: 10 },
        buffer: 20,
        max_connections: 220,
      },
      // Monitoring Performance Impact, "Sampling for High-Volume Services".
      observability: {
        xray_sampling_rate: 0.1,  // 10% sampling
        log_level: if env == 'prd' then 'INFO' else 'DEBUG',
      },
      // Auto-scaling Optimization: the target tracking snippet as it stands, and the step
      // scaling policy of the guide's HCL with its alarm.
      auto_scaling: {
        min_capacity: 2,
        max_capacity: 20,
        policies: [
          {
            predefined_metric_type: 'ECSServiceAverageCPUUtilization',
            target_value: 70.0,  // Scale at 70% CPU
            scale_in_cooldown: 300,
            scale_out_cooldown: 60,  // Fast scale-out
          },
          {
            name: 'step-scaling',
            policy_type: 'StepScaling',
            adjustment_type: 'PercentChangeInCapacity',
            cooldown: 60,
            metric_aggregation_type: 'Average',
            step_adjustments: [
              { metric_interval_lower_bound: 0, metric_interval_upper_bound: 10, scaling_adjustment: 10 },
              { metric_interval_lower_bound: 10, scaling_adjustment: 30 },
            ],
            alarm: { metric_name: 'CPUUtilization', threshold: 80, evaluation_periods: 2, period: 60 },
          },
        ],
      },
    },
  },
}
