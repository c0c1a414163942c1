// A native ECS blue/green deployment (issue 27): the API runs the new revision beside the old
// one behind a second target group, takes test traffic through a test listener rule, calls a
// Lambda function before production traffic moves, and keeps both revisions for 15 minutes
// after it moved. The caller owns the listener rules and must ignore the weights ECS changes
// (README, "Deployment strategies"). The load balancer names no role, so gen-tf writes the
// infrastructure role ECS assumes to change the listener rules.
local region = 'eu-west-1';
local account = '123456789012';
local elb(kind) = 'arn:aws:elasticloadbalancing:%s:%s:%s' % [region, account, kind];
{
  name: 'blue-green',
  region: region,
  tags: { team: 'storefront' },
  services: {
    api: {
      image: '%s.dkr.ecr.%s.amazonaws.com/storefront-api:2.3.0' % [account, region],
      cpu: 512,
      memory: 1024,
      port: 8080,
      desired_count: 2,
      load_balancers: [{
        target_group_arn: elb('targetgroup/storefront-blue/6d0ecf831eec9f09'),
        advanced_configuration: {
          alternate_target_group_arn: elb('targetgroup/storefront-green/73e2d6bc24d8a067'),
          production_listener_rule: elb('listener-rule/app/storefront/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee'),
          test_listener_rule: elb('listener-rule/app/storefront/50dc6c495c0c9188/3b4a2d1e5c6f7a80/1d2c3b4a59687706'),
        },
      }],
      deployment: {
        strategy: 'BLUE_GREEN',
        bake_time_in_minutes: 15,
        lifecycle_hooks: [{
          function_arn: 'arn:aws:lambda:%s:%s:function:storefront-smoke-test' % [region, account],
          role_arn: 'arn:aws:iam::%s:role/ecs-lifecycle-hooks' % account,
          stages: ['POST_TEST_TRAFFIC_SHIFT'],
        }],
      },
    },
  },
}
