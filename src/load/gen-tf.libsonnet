// gen-tf.libsonnet: helpers for writing gen-tf stacks.
//
// This file is embedded in the gen-tf binary. `import 'gen-tf.libsonnet'` always resolves
// to this text, even when a file of that name sits next to the stack or in a -J directory,
// so a stack evaluates the same way with every copy of the same gen-tf release.
//
//   local g = import 'gen-tf.libsonnet';
//   { services: { api: { memory: 1024, memory_reservation: g.dynamic(1024, std.extVar('ENV')) } } }
//
// Every helper is a hidden field (`::`), so manifesting the library itself gives `{}`.
// The formulas are the seed guide's ("Performance Optimization Guide"), so output built with
// these helpers matches the guide's snippets exactly.
{
  // Soft memory limit (MiB) for a container whose hard limit is `memory`. The reservation is
  // what the scheduler packs tasks by; the hard limit is where the container is killed.
  //   'conservative': 50% of the hard limit, room for bursts.
  //   'aggressive':   80%, for predictable workloads.
  //   'dynamic':      70% in prd (steady traffic), 50% elsewhere.
  // Rounds down, as std.floor in the guide, so the result stays below `memory`.
  memoryReservation(memory, strategy, env='dev')::
    assert std.isNumber(memory) : 'memoryReservation: memory must be a number of MiB, got %s' % std.type(memory);
    if strategy == 'conservative' then std.floor(memory * 0.5)
    else if strategy == 'aggressive' then std.floor(memory * 0.8)
    else if strategy == 'dynamic' then
      (if env == 'prd' then std.floor(memory * 0.7) else std.floor(memory * 0.5))
    else error "memoryReservation: unknown strategy '%s'; expected 'conservative', 'aggressive' or 'dynamic'" % [strategy],

  // Shorthands for the three strategies above.
  conservative(memory):: self.memoryReservation(memory, 'conservative'),
  aggressive(memory):: self.memoryReservation(memory, 'aggressive'),
  dynamic(memory, env):: self.memoryReservation(memory, 'dynamic', env),

  // Graviton: the guide's ~20% saving. Fargate Spot supports ARM64 on Linux since 2024-09.
  arm64:: { cpu_architecture: 'ARM64', operating_system_family: 'LINUX' },

  // The guide's Spot/on-demand split: `ondemand_base` tasks always on FARGATE so the service
  // survives a Spot reclaim, the rest spread by weight. AWS allows a base > 0 on one provider
  // only, so Spot's base is 0.
  spotMix(spot_weight=70, ondemand_weight=30, ondemand_base=2):: [
    { capacity_provider: 'FARGATE_SPOT', weight: spot_weight, base: 0 },
    { capacity_provider: 'FARGATE', weight: ondemand_weight, base: ondemand_base },
  ],

  // Environment entries for an RDS cluster's reader and writer endpoints (guide: "Read Replicas").
  readReplicaEnv(read_host, write_host):: [
    { name: 'DB_READ_HOST', value: read_host },
    { name: 'DB_WRITE_HOST', value: write_host },
  ],

  // X-Ray sampling and log level for high-volume services (guide: "Sampling"). ECS
  // environment values are strings, so the rate is stringified; prd logs INFO, others DEBUG.
  samplingEnv(rate, env):: [
    { name: 'XRAY_SAMPLING_RATE', value: std.toString(rate) },
    { name: 'LOG_LEVEL', value: if env == 'prd' then 'INFO' else 'DEBUG' },
  ],

  // VPC endpoint preset for private Fargate tasks without NAT: ecr.api, ecr.dkr, s3 and logs.
  fargatePrivate:: 'fargate-private',
}
