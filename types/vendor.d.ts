// Types for browser builds that ship without their own declarations.
declare module 'highlight.js' {
  const hljs: {
    highlightElement(element: HTMLElement): void;
    getLanguage(name: string): object | undefined;
  };
  export default hljs;
}
