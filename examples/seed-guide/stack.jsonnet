// Reproduces the seed guide's ECS snippets as one stack. Build it per environment:
//   gen-tf build examples/seed-guide -V ENV=prd -o modules
local env = std.extVar('ENV');
local memory = 1024;

{
  name: 'seed-guide',
  region: 'us-east-1',
  tags: { team: 'platform', environment: env },
  cluster: { name: 'seed-guide-' + env, container_insights: true },
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
      // Fargate Spot.
      capacity_provider_strategy: [
        { capacity_provider: 'FARGATE_SPOT', weight: 70, base: 0 },
        { capacity_provider: 'FARGATE', weight: 30, base: 2 },
      ],
      desired_count: 2,
      port: 8080,
      // Read Replicas, and Sampling for High-Volume Services.
      environment+: [
        { name: 'DB_READ_HOST', value: 'reader.cluster.region.rds.amazonaws.com' },
        { name: 'DB_WRITE_HOST', value: 'writer.cluster.region.rds.amazonaws.com' },
      ],
      observability: {
        xray_sampling_rate: 0.1,  // 10% sampling
        log_level: if env == 'prd' then 'INFO' else 'DEBUG',
        log_retention_days: 30,
      },
    },
  },
}
