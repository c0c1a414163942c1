// The smallest useful stack: one service with every default.
{
  name: 'minimal',
  services: {
    web: {
      cpu: 256,
      memory: 512,
    },
  },
}
