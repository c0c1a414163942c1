// An EBS volume per task (issue 27): ECS creates a 100 GiB gp3 volume, encrypted with the
// stack's KMS key, for each task of the indexer when it starts, formats it with ext4 and
// mounts it at /var/lib/indexer; the task definition only names the volume
// (configure_at_launch). gen-tf writes the infrastructure role ECS assumes to create and
// attach the volumes, with the AWS-managed policy for volumes.
local region = 'eu-west-1';
local account = '123456789012';
{
  name: 'ebs-volume',
  region: region,
  tags: { team: 'search' },
  services: {
    indexer: {
      image: '%s.dkr.ecr.%s.amazonaws.com/search-indexer:4.1.0' % [account, region],
      cpu: 1024,
      memory: 2048,
      read_only_root_filesystem: true,
      volumes: {
        tmp: {},
        index: { configure_at_launch: true },
      },
      mount_points: [
        { volume: 'tmp', path: '/tmp' },
        { volume: 'index', path: '/var/lib/indexer', read_only: false },
      ],
      volume_configuration: {
        name: 'index',
        managed_ebs_volume: {
          size_in_gb: 100,
          volume_type: 'gp3',
          iops: 6000,
          throughput: 250,
          kms_key_id: 'arn:aws:kms:%s:%s:key/1234abcd-12ab-34cd-56ef-1234567890ab' % [region, account],
          file_system_type: 'ext4',
          tags: { purpose: 'search-index' },
          propagate_tags: 'SERVICE',
        },
      },
    },
  },
}
