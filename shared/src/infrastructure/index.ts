// Our own dependencies (Redis, the store, the network): their failures are transient, whatever the work was.
export { dependencyFailureOf, type Dependency, type DependencyFailure } from './dependency-errors';
