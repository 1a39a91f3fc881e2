import { cacheControlDirective } from '../plugins/cache-control.ts';
import { builder } from './builder.ts';
import './aircraft-type.ts';
import './airline.ts';
import './airport.ts';
import './country.ts';
import './route.ts';
import './viewer.ts';

export const schema = builder.toSchema({ sortSchema: true, directives: [cacheControlDirective] });
