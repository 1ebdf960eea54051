// Koa 2 is installed as `koa2` (npm:koa@^2) to test the adapter on both majors; its API matches @types/koa here.
declare module 'koa2' {
  import Koa from 'koa';
  export default Koa;
}
