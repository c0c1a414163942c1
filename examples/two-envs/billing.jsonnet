// The second stack of the pair (see orders.jsonnet): also a service `api`, in the same cluster.
local shared = import 'lib.libsonnet';

{
  name: 'billing',
  region: 'us-east-1',
  tags: shared.tags('billing'),
  iam: shared.iam,
  services: {
    api: shared.size {
      image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/billing-api:1.9.2',
      port: 8080,
      observability: { log_retention_days: 90 },
      // A managed policy the security team maintains, next to a statement of its own.
      task_role: {
        managed_policy_arns: ['arn:aws:iam::123456789012:policy/platform/read-shared-config'],
        statements: [
          { actions: ['s3:GetObject'], resources: ['arn:aws:s3:::billing-invoices-' + shared.env + '/*'] },
        ],
      },
      auto_scaling: {
        min_capacity: shared.size.desired_count,
        max_capacity: 6,
        policies: [
          { policy_type: 'StepScaling', adjustment_type: 'ChangeInCapacity',
            step_adjustments: [{ metric_interval_lower_bound: 0, scaling_adjustment: 1 }],
            alarm: { metric_name: 'CPUUtilization', threshold: 75, evaluation_periods: 3 } },
          { policy_type: 'StepScaling', adjustment_type: 'ChangeInCapacity',
            step_adjustments: [{ metric_interval_upper_bound: 0, scaling_adjustment: -1 }],
            alarm: { metric_name: 'CPUUtilization', threshold: 20, evaluation_periods: 10 } },
        ],
      },
    },
  },
}
