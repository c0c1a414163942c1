// A native ECS canary deployment (issue 27): 10 percent of production traffic goes to the new
// revision for 10 minutes, then the rest; CI deploys the revisions, so Terraform also leaves the
// load balancer's target groups, which each deployment swaps, alone.
local region = 'eu-west-1';
local account = '123456789012';
local elb(kind) = 'arn:aws:elasticloadbalancing:%s:%s:%s' % [region, account, kind];
{
  name: 'canary',
  region: region,
  services: {
    web: {
      cpu: 256,
      memory: 512,
      port: 8080,
      load_balancer: {
        target_group_arn: elb('targetgroup/web-blue/0a1b2c3d4e5f6a7b'),
        advanced_configuration: {
          alternate_target_group_arn: elb('targetgroup/web-green/7b6a5f4e3d2c1b0a'),
          production_listener_rule: elb('listener-rule/app/web/1a2b3c4d5e6f7a8b/9c8d7e6f5a4b3c2d/0f1e2d3c4b5a6978'),
          role_arn: 'arn:aws:iam::%s:role/ecs-infrastructure-load-balancers' % account,
        },
      },
      deployment: {
        strategy: 'CANARY',
        canary: { percent: 10, bake_time_in_minutes: 10 },
        bake_time_in_minutes: 5,
        ignore_task_definition_changes: true,
      },
    },
  },
}
