// Every container and task field of a service (issue 14), on one realistic API:
//   - the main container runs read-only, with a task-local /tmp, an init process, a health
//     check, a stop timeout, ulimits, its own entry point and command, environment files from
//     S3 and secrets;
//   - a proxy sidecar comes from a private registry (not ECR), with repository credentials, and
//     mounts TLS certificates from EFS read-only;
//   - a migrate sidecar runs once before the API starts (depends_on SUCCESS), and the API waits
//     for the proxy to be HEALTHY;
//   - uploads live on EFS behind an access point, mounted with the task role (IAM).
// The private registry is reached over the internet, so the subnets need a NAT gateway.
//   gen-tf build examples/complete -V ENV=prd -o modules
local env = std.extVar('ENV');
local region = 'eu-west-1';
local account = '123456789012';
local ecr = account + '.dkr.ecr.' + region + '.amazonaws.com/';

{
  name: 'complete',
  region: region,
  tags: { team: 'platform', environment: env },
  network: { nat_gateway: true },

  services: {
    api: {
      image: ecr + 'api:3.2.0',
      cpu: 1024,
      memory: 2048,
      port: 8080,

      // The application process: a read-only root filesystem, tini-style init as PID 1 to
      // reap zombies and forward SIGTERM, and 60 s to drain before SIGKILL.
      entry_point: ['/app/bin/api'],
      command: ['serve', '--port', '8080'],
      working_directory: '/app',
      user: '10001:10001',
      read_only_root_filesystem: true,
      init_process_enabled: true,
      stop_timeout: 60,
      ulimits: [{ name: 'nofile', soft: 65535, hard: 65535 }],

      // Configuration: plain values, a shared .env file in S3 (the execution role may read
      // exactly this object), and a secret.
      environment: [{ name: 'UPLOAD_DIR', value: '/app/uploads' }],
      environment_files: ['arn:aws:s3:::acme-config-' + region + '/api/' + env + '.env'],
      secrets: [
        { name: 'SESSION_KEY', value_from: 'arn:aws:secretsmanager:' + region + ':' + account + ':secret:api/session-key-AbCdEf' },
      ],

      // Healthy once /healthz answers; ECS replaces a task whose API stays unhealthy.
      health_check: {
        command: ['CMD-SHELL', 'curl -fsS http://localhost:8080/healthz || exit 1'],
        interval: 15,
        timeout: 5,
        retries: 3,
        start_period: 30,
      },

      // Start only after the migrations succeeded and the proxy is ready.
      depends_on: [
        { container: 'migrate', condition: 'SUCCESS' },
        { container: 'proxy', condition: 'HEALTHY' },
      ],

      mount_points: [
        { volume: 'uploads', path: '/app/uploads' },
        { volume: 'tmp', path: '/tmp' },
      ],

      volumes: {
        // Shared uploads on EFS, through an access point that pins the POSIX user and
        // directory, mounted with the task role's identity (IAM) over TLS. The task security
        // group reaches the mount targets through var.api_efs_security_group_id.
        uploads: {
          efs: {
            file_system_id: 'fs-0123456789abcdef0',
            access_point_id: 'fsap-0123456789abcdef0',
            iam: 'ENABLED',
          },
        },
        // TLS certificates for the proxy, from a directory of another file system whose mount
        // targets have a known security group.
        certs: {
          efs: {
            file_system_id: 'fs-0fedcba9876543210',
            root_directory: '/proxy/certs',
            security_group_id: 'sg-0a1b2c3d4e5f60718',
          },
        },
        // Task storage: a writable /tmp under the read-only root filesystem.
        tmp: {},
      },

      sidecars: [
        {
          // From a private registry: ECS logs in with the credentials in Secrets Manager,
          // encrypted with a customer-managed key that the execution role may use.
          name: 'proxy',
          image: 'registry.acme.example/platform/envoy:1.31.2',
          repository_credentials: {
            credentials_parameter: 'arn:aws:secretsmanager:' + region + ':' + account + ':secret:registry/acme-QwErTy',
            kms_key_arn: 'arn:aws:kms:' + region + ':' + account + ':key/1234abcd-12ab-34cd-56ef-1234567890ab',
          },
          essential: true,
          memory: 256,
          memory_reservation: 128,
          port: 9901,
          health_check: {
            command: ['CMD', '/usr/local/bin/envoy-ready'],
            interval: 10,
            timeout: 3,
          },
          read_only_root_filesystem: true,
          mount_points: [
            { volume: 'certs', path: '/etc/envoy/certs', read_only: true },
            { volume: 'tmp', path: '/tmp' },
          ],
          ulimits: [{ name: 'nofile', soft: 262144, hard: 262144 }],
        },
        {
          // Runs the database migrations and exits; not essential, so the task keeps running.
          name: 'migrate',
          image: ecr + 'api:3.2.0',
          memory: 256,
          entry_point: ['/app/bin/api'],
          command: ['migrate', 'up'],
          read_only_root_filesystem: true,
          secrets: [
            { name: 'DATABASE_URL', value_from: 'arn:aws:secretsmanager:' + region + ':' + account + ':secret:api/database-url-ZxCvBn' },
          ],
        },
      ],
    },
  },
}
