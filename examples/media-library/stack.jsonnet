// A media library in eu-west-1, as a new user writes it (issue 24): an HTTP service on port 80
// behind a load balancer, pinned to Fargate platform version 1.4.0; two volumes on one EFS file
// system (the media through an access point with IAM authorization, thumbnails read-only from
// the file system's root), the mount targets' security group named once; the database password
// from the RDS-managed secret of an Aurora cluster; logs encrypted with a customer KMS key;
// Service Connect in an existing namespace, on a cluster the stack does not own; and two
// target tracking policies and a schedule in the Europe/Dublin time zone on one scalable target.
local region = 'eu-west-1';
local account = '123456789012';
{
  name: 'media-library',
  region: region,
  tags: { team: 'media' },
  services: {
    web: {
      image: '%s.dkr.ecr.%s.amazonaws.com/media-web:2.3.1' % [account, region],
      cpu: 512,
      memory: 1024,
      port: 80,
      platform_version: '1.4.0',
      load_balancer: {
        target_group_arn: 'arn:aws:elasticloadbalancing:%s:%s:targetgroup/media-web/6d0ecf831eec9f09' % [region, account],
      },
      observability: {
        log_kms_key_arn: 'arn:aws:kms:%s:%s:key/1234abcd-12ab-34cd-56ef-1234567890ab' % [region, account],
      },
      service_connect: { namespace: 'media.internal' },
      secrets: [
        {
          name: 'DB_PASSWORD',
          value_from: 'arn:aws:secretsmanager:%s:%s:secret:rds!cluster-8c2b1f04-5b1e-4f0e-9d57-0a1b2c3d4e5f-Zx12Yw:password::' % [region, account],
        },
      ],
      mount_points: [
        { volume: 'media', path: '/srv/media' },
        { volume: 'thumbnails', path: '/srv/thumbnails', read_only: true },
      ],
      volumes: {
        media: {
          efs: {
            file_system_id: 'fs-0123456789abcdef0',
            access_point_id: 'fsap-0123456789abcdef0',
            iam: 'ENABLED',
            security_group_id: 'sg-0a1b2c3d4e5f60718',
          },
        },
        // The same file system: its mount targets have the group named above, so no second
        // rule and no variable are needed.
        thumbnails: {
          efs: { file_system_id: 'fs-0123456789abcdef0', root_directory: '/thumbnails' },
        },
      },
      auto_scaling: {
        min_capacity: 2,
        max_capacity: 8,
        policies: [
          { predefined_metric_type: 'ECSServiceAverageCPUUtilization', target_value: 60 },
          { predefined_metric_type: 'ECSServiceAverageMemoryUtilization', target_value: 75 },
        ],
        scheduled: [
          { name: 'evenings', schedule: 'cron(0 18 ? * * *)', timezone: 'Europe/Dublin', min_capacity: 4 },
          { name: 'nights', schedule: 'cron(0 23 ? * * *)', timezone: 'Europe/Dublin', min_capacity: 2 },
        ],
      },
    },
  },
}
