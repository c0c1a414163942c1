// A queue worker in private subnets without a NAT gateway, in a VPC whose network team
// already runs the ECR, logs and S3 endpoints. It scales on the depth of its SQS queue (the
// alarms' only dimension is QueueName), sends traces through the X-Ray daemon, and its tasks
// may receive and delete messages.
//   gen-tf build examples/queue-worker -V ENV=prd -o modules
local g = import 'gen-tf.libsonnet';
local env = std.extVar('ENV');
local queue = 'invoices-' + env;

{
  name: 'queue-worker',
  region: 'eu-west-1',
  tags: { team: 'billing', environment: env },
  network: {
    nat_gateway: false,
    // The network team's endpoints: not created here, but the tasks may reach them.
    existing_vpc_endpoints: ['ecr.api', 'ecr.dkr', 's3', 'logs'],
  },
  // What is left for this stack to create: sqs for the application, xray for the daemon.
  vpc_endpoints: ['sqs', 'xray'],
  services: {
    worker: {
      image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/invoice-worker:5.2.0',
      cpu: 512,
      memory: 1024,
      runtime_platform: g.arm64,
      capacity_provider_strategy: g.spotMix(80, 20, 1),
      environment: [{ name: 'QUEUE_NAME', value: queue }],
      observability: {
        xray: true,
        // ECR Public is out of reach without a NAT gateway: the daemon image is mirrored.
        xray_daemon_image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/mirror/aws-xray-daemon:3.x',
        xray_sampling_rate: 0.1,
      },
      task_role: {
        statements: [{
          sid: 'ConsumeInvoices',
          actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'],
          resources: ['arn:aws:sqs:eu-west-1:123456789012:' + queue],
        }],
      },
      auto_scaling: {
        min_capacity: 1,
        max_capacity: 30,
        policies: [
          {
            name: 'backlog',
            policy_type: 'StepScaling',
            adjustment_type: 'ChangeInCapacity',
            step_adjustments: [
              { metric_interval_lower_bound: 0, metric_interval_upper_bound: 900, scaling_adjustment: 2 },
              { metric_interval_lower_bound: 900, scaling_adjustment: 5 },
            ],
            alarm: {
              namespace: 'AWS/SQS',
              metric_name: 'ApproximateNumberOfMessagesVisible',
              dimensions: { QueueName: queue },
              statistic: 'Maximum',
              threshold: 100,
              period: 60,
              evaluation_periods: 2,
            },
          },
          {
            name: 'drained',
            policy_type: 'StepScaling',
            adjustment_type: 'ExactCapacity',
            step_adjustments: [{ metric_interval_upper_bound: 0, scaling_adjustment: 1 }],
            alarm: {
              namespace: 'AWS/SQS',
              metric_name: 'ApproximateNumberOfMessagesVisible',
              dimensions: { QueueName: queue },
              statistic: 'Maximum',
              threshold: 0,
              period: 300,
              evaluation_periods: 3,
              // An idle queue stops publishing metrics after a while: missing data means empty.
              treat_missing_data: 'breaching',
            },
          },
        ],
      },
    },
  },
}
