// The seed guide's two auto scaling snippets, placed as they stand in one service: target
// tracking on average CPU ("Target Tracking Policies") and the step policy of "Step Scaling for
// Predictable Patterns" with the alarm that triggers it (DESIGN.md).
//   gen-tf build examples/scaling-seed -V ENV=prd -o modules
local env = std.extVar('ENV');

{
  name: 'scaling-seed',
  region: 'us-east-1',
  tags: { team: 'platform', environment: env },
  services: {
    api: {
      image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/api:1.2.3',
      cpu: 512,
      memory: 1024,
      port: 8080,
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
