// An SQS worker in the private subnets: its task role calls SQS, so the platform creates the
// sqs endpoint.
local env = std.extVar('ENV');
local queue = 'orders-' + env;

{
  name: 'worker',
  platform: { network: 'shared', cluster: 'apps' },
  tags: { team: 'orders', environment: env },
  services: {
    worker: {
      image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders-worker:2.3.0',
      cpu: 512,
      memory: 1024,
      desired_count: 2,
      capacity_provider_strategy: [{ capacity_provider: 'FARGATE_SPOT', weight: 1 }],
      environment: [{ name: 'QUEUE_NAME', value: queue }],
      task_role: {
        statements: [{
          sid: 'ConsumeOrders',
          actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
          resources: ['arn:aws:sqs:eu-west-1:123456789012:' + queue],
        }],
      },
    },
  },
}
