// What both stacks share: the account's IAM guard rails and the environment's sizing.
local env = std.extVar('ENV');
{
  env: env,
  // Many organisations require every role to carry a permissions boundary and a path.
  iam: {
    permissions_boundary: 'arn:aws:iam::123456789012:policy/platform/workload-boundary',
    path: '/workloads/',
  },
  tags(team): { team: team, environment: env },
  // dev runs one small task, prd two larger ones.
  size: if env == 'prd' then { cpu: 1024, memory: 2048, desired_count: 2 } else { cpu: 256, memory: 512, desired_count: 1 },
}
