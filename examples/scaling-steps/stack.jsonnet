// Step scaling in both directions: one policy adds tasks when memory runs high, the other
// removes them when it runs low. Each gets its own CloudWatch alarm, whose comparison follows
// from where its steps lie (above the threshold: >=, below it: <=). The service sits behind a
// load balancer and also tracks requests per task, with the resource label built from module
// variables.
//   gen-tf build examples/scaling-steps -V ENV=prd -o modules
local env = std.extVar('ENV');

{
  name: 'scaling-steps',
  tags: { team: 'checkout', environment: env },
  cluster: { name: 'checkout-' + env },
  services: {
    worker: {
      cpu: 1024,
      memory: 2048,
      port: 8080,
      load_balancer: { container_port: 8080 },
      auto_scaling: {
        min_capacity: if env == 'prd' then 3 else 1,
        max_capacity: 30,
        policies: [
          {
            name: 'memory-high',
            policy_type: 'StepScaling',
            adjustment_type: 'ChangeInCapacity',
            cooldown: 120,
            step_adjustments: [
              { metric_interval_lower_bound: 0, metric_interval_upper_bound: 15, scaling_adjustment: 1 },
              { metric_interval_lower_bound: 15, scaling_adjustment: 3 },
            ],
            alarm: { metric_name: 'MemoryUtilization', threshold: 75, statistic: 'Maximum' },
          },
          {
            name: 'memory-low',
            policy_type: 'StepScaling',
            adjustment_type: 'ChangeInCapacity',
            cooldown: 300,
            step_adjustments: [
              { metric_interval_upper_bound: -20, scaling_adjustment: -2 },
              { metric_interval_lower_bound: -20, metric_interval_upper_bound: 0, scaling_adjustment: -1 },
            ],
            alarm: {
              metric_name: 'MemoryUtilization',
              threshold: 40,
              evaluation_periods: 10,
              datapoints_to_alarm: 8,
              treat_missing_data: 'notBreaching',
            },
          },
          {
            predefined_metric_type: 'ALBRequestCountPerTarget',
            target_value: 1000,
            disable_scale_in: true,
          },
        ],
      },
    },
  },
}
