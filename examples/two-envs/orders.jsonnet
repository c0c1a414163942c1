// Two stacks (orders and billing) that both have a service `api`, built for dev and prd into
// one account and one shared cluster (var.cluster_name): every IAM role, log group, alarm,
// security group, task family and ECS service name carries the stack and the environment,
// so the four modules never collide (tests/examples.rs proves it).
//   gen-tf build examples/two-envs -V ENV=dev -o modules-dev
//   gen-tf build examples/two-envs -V ENV=prd -o modules
local shared = import 'lib.libsonnet';

{
  name: 'orders',
  region: 'us-east-1',
  tags: shared.tags('orders'),
  iam: shared.iam,
  services: {
    api: shared.size {
      image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/orders-api:3.1.0',
      port: 8080,
      secrets: [
        // A partial ARN (no -AbCdEf suffix): the execution role is granted orders/db-??????.
        { name: 'DB_PASSWORD', value_from: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:orders/db' },
        // Encrypted with a customer-managed key: the execution role may decrypt with it.
        { name: 'PAYMENT_TOKEN', value_from: 'arn:aws:ssm:us-east-1:123456789012:parameter/orders/payment-token',
          kms_key_arn: 'arn:aws:kms:us-east-1:123456789012:key/0b7e3a52-4f6d-4a7e-9c1f-6d2f5e8a9b10' },
      ],
      // The application's own permissions: it publishes order events and reads its table.
      task_role: {
        statements: [
          { sid: 'PublishOrderEvents', actions: ['sns:Publish'],
            resources: ['arn:aws:sns:us-east-1:123456789012:orders-' + shared.env] },
          { sid: 'ReadOrders', actions: ['dynamodb:GetItem', 'dynamodb:Query'],
            resources: ['arn:aws:dynamodb:us-east-1:123456789012:table/orders-' + shared.env] },
        ],
      },
      auto_scaling: {
        min_capacity: shared.size.desired_count,
        max_capacity: 10,
        policies: [{ predefined_metric_type: 'ECSServiceAverageCPUUtilization', target_value: 60 }],
      },
    },
  },
}
