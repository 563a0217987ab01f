import type { Services } from '../services';

export function run(services: Services): void {
  services.log.show();
}
