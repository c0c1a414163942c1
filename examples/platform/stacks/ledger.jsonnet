// A private service without a NAT gateway whose task role calls DynamoDB and S3: the platform
// creates the DynamoDB Gateway endpoint because of that statement. It serves `ledger` in the
// cluster's Service Connect namespace, which web calls.
local env = std.extVar('ENV');

{
  name: 'ledger',
  platform: { network: 'shared', cluster: 'apps' },
  tags: { team: 'ledger', environment: env },
  services: {
    ledger: {
      image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/ledger:1.8.0',
      cpu: 512,
      memory: 1024,
      port: 8080,
      service_connect: {
        services: [{ port_name: 'http', discovery_name: 'ledger', client_aliases: [{ port: 8080 }] }],
      },
      task_role: {
        statements: [
          { sid: 'Entries', actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
            resources: ['arn:aws:dynamodb:eu-west-1:123456789012:table/ledger-' + env] },
          { sid: 'Statements', actions: ['s3:GetObject', 's3:PutObject'],
            resources: ['arn:aws:s3:::ledger-statements-' + env + '/*'] },
        ],
      },
    },
  },
}
