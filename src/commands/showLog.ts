import type { Services } from '../host/services';

export function run(services: Services): void {
  services.log.show();
}
